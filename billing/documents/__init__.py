"""An invoice as documents: the total in Vietnamese words, the A4 PDF, the Circular 78 XML."""
