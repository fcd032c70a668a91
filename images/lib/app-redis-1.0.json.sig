{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "48fa3cf2d4d8dd2d0c59700dbaab94eae3001c0d47ba52f160675466b8331f67",
  "signature": "7GJT49+dkpm2prAho7wFrjMuo5gaDK3peJcgOdAInJXfOcZBv8WdFYafad9AJ4LEB2Jz1Omcd4g5ok1eEylLBQ=="
}
