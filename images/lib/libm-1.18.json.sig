{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "dc7106e1189e9ed30305573ed3199384e85a8b7380958ac1357ef29413fc4cf0",
  "signature": "DqTSGEjn+q0XSnBUXACpY90C9gCBSughuzBPWtFNRlcQHM6ic6qkJGmaDS2aj0kHXUMMmUAB4Ho7O019tPv1Cg=="
}
