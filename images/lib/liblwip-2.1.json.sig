{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "fe17813bf8037e54f28ad845a5e1754eea53f44acd9ed2dd4ebbcbfe3e2b0169",
  "signature": "ZPRwHNor5g+J6kfDuPLdFz4VacRTeZkLqVk8VbOEzZEMuoi0/ZfbJEzvZPq4eQQwmgy2dgFR0iZnUH6BKuvDDg=="
}
