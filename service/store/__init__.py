"""All SQL of the service; rows become schema Structs at this boundary."""
