"""ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights: weights for weighthub's shufflenet_v2_x0_5."""
