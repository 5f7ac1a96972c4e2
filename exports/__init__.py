"""Outputs for reports: chart images, table downloads, the Schools Forum pack and the DfE return."""
