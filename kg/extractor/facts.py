"""placeholder"""
def extract_facts(text, language, extraction, table):
    return None
