{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "86e96b4de8e9f91d108e9855edff6d595293169e4e23340cfa7d7140e5d94bfa",
  "signature": "DvPUr6U66XXtg8h7FzT01oUwaRirWgNcPtkqwtSCUIv0AHR0z7BvrnxhRY29x3yUT/pvXBD6SdjSOIwRTe3cAA=="
}
