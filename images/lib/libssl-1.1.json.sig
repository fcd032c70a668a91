{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "17d61e316a28fd2bded9cb5ac7c38a3085ef95a82319a003e403d5dab898edf6",
  "signature": "FjCILllwElaKO6tzFldf/7NQsLEz/IzYhdzRDor2T23cy4pHLpCFoiAT3GmdH0Ls8AP50zzs+Btb1IZENnBxAg=="
}
