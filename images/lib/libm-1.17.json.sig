{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "58df0ba1d0c5089686ed74fe1f914142428ad94606252fdc4260ae24ddca31ee",
  "signature": "u7Vm8p5pHpG4ppT4FuXYk9fiJeGPNGkVRHKIQVFyHl3cH5Hif6sRpdaf/IUVrlerGaxQ8DFb5KndE4RP0xwZCg=="
}
