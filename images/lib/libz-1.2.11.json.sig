{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "f9fcf725d5d1d244eb487ab9d1d51edfa1aebde47de82ae5bd2c4c2e1f47d371",
  "signature": "znT6Z9kiFPXZ2E6Ivqz2usSFK+E918NxV8fcMQxWZbmFKqopbdSLISECFl33ftJx1oPYJ2E2RNQiR/j+QphPCQ=="
}
