{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-thirdparty",
  "algorithm": "ed25519",
  "sha256": "b0143188279af5c51b90d0ec57fcab2889db904402fcb8175592087ffb2082ac",
  "signature": "Y9jPmQS5eN8eXnPAh3Zt/DYM488PtCj+gJZFh9L39/gvCb2Trz1K5FXNg+ZwrudFgWaderqxXnKFvz1QotgFAA=="
}
