"""exactdlm"""
