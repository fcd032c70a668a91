{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "aabc5322123806fbc590cf4e14b7501e17d9f77f120bf6c0c07d7e5001647167",
  "signature": "+LXrfBq19MOq06Bc+SmKbVs3EUTXXI6Jh5JoYFjMP/aGVBGJPYHzhBdXUMjJ6z8I1dfo/T7E4xgEsgczWPL2Bw=="
}
