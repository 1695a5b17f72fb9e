"""placeholder"""
def extract_figures(text, language, extraction, table):
    return []
