{
  "format": "kylinx-sig",
  "version": 1,
  "signer": "demo-signer",
  "algorithm": "ed25519",
  "sha256": "c790a7e87b86ef435f53321c03b2195e896fddc61b019d354fdd2da957303906",
  "signature": "BQ7CZJxpEBux4pg4qPyzLcezRchfttAAI+QDW8CaWnuxjuY/5iXTGxROqBFy1xoE1DIygXNEd1KB5YPAG+PcDw=="
}
