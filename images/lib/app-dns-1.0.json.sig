{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "611fd7173967e885d6c01232e878cf7616acddd899a678f27a136df7177b718c",
  "signature": "S7YCRtuiUXYbQVYNL/Eo/JdSO9EIl/xe7G8Y42YAn1jtqIw9hFL/18H/Li7CbGC7XzFZg96oT2EWsvr3fCOwCQ=="
}
