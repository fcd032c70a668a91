{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "6ae8abcd5f81c7655462fe2086ea220fe8d4b9bfd36d22bf56029d333146d4ae",
  "signature": "nqIJSzLaFWmGwQ0nD7bOaabBwr0wGSZ7iQ+EktoJqMXQJDvAiejaKxRwUKyJB1XWH3+hbzv5H2MfEZjrd3czAw=="
}
