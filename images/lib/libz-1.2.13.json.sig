{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "545698c0ceaa6d1d655ddefa2e7349c5d72c0e453ccd3e0366e9d4b57b02efea",
  "signature": "lcZgcYioludU0KAtjriHtTlJ9RV29qRjHUNH+pptervQAc5gf2zSUbhxb4ZHD933MGoZa5aBJOd095GeqXbJCA=="
}
