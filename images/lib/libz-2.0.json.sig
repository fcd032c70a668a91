{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "4c5266b01f3a51801bbb8350ea5144f5605a36ef8f7072865f641d94169013d9",
  "signature": "gKc/WBgz4Fqxjc/GUBAFYdmKw2HiKdzevy5yRnfWvntLRRPVJhDx8hVf8/Fk4VMamzET72hI1aq4cNDmCCDmAg=="
}
