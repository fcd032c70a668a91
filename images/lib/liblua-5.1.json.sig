{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "51e3bb095c8c04aac7033b2fb8b2a02f3ad311deb4f01b87a833cb579825a3bf",
  "signature": "Vmf9N4dkXebPpYiuY7Ikn2/TO6ujHNk38MIsBEblBGTu0Gae1TXXS+CA6wH5PfyrMyvlULne2PPXNILzGrCeAA=="
}
