"""The three CDK stacks of Polo's AWS deployment."""
