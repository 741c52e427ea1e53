"""Iran–Pakistan military visit extraction (spaCy + analyst-editable gazetteers)."""

from monitor.extract.extractor import Extraction, Extractor, Official
from monitor.extract.gazetteer import GazetteerError, load_gazetteer

__all__ = ["Extraction", "Extractor", "GazetteerError", "Official", "load_gazetteer"]
