{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "ccf6d682f103a0a7960018eb7081aacff99900c12b65e4da1df169b496f6e6fa",
  "signature": "IAaMDdCHA6pW2T2S1irFL+wkRcmeoiLKTUleuHLmObyVdzjWdsY8P/PvizS5SU63/7pVl2XTdY67gAQKWz2XAg=="
}
