"""The HTTP scenario's server side: production settings plus one bare view to compare with."""
