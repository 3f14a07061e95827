"""The documents of a discussion: the protocol, the conclusion, the participants' annex and a
participant's extract (docs/rules.md "Protocol contains", "Conclusion contains").

Each document's content is assembled once as plain data (`content.Record`) and drawn twice: as a
PDF from a template, registered in the documents app with a verification code (`pdf`), and as
DOCX for officials to edit (`word`). The protocol and the conclusion name natural persons (sole
traders too) by their participant number only, whatever their consent, since a signed document
cannot forget a name; full names, birth dates and addresses appear only in the annex (organizer
only, never published, each download audited: `handouts`) and in a participant's own extract.
"""

from veche.discussions.records.handouts import hand_out_identification
from veche.discussions.records.parts import no_progress
from veche.discussions.records.pdf import (
    annex_pdf,
    conclusion_pdf,
    draft_protocol_pdf,
    extract_pdf,
    has_own_submissions,
    issue_conclusion,
    issue_protocol,
    protocol_pdf,
)
from veche.discussions.records.statistics import Statistics, statistics_of
from veche.discussions.records.word import conclusion_docx, protocol_docx

__all__ = [
    "Statistics",
    "annex_pdf",
    "conclusion_docx",
    "conclusion_pdf",
    "draft_protocol_pdf",
    "extract_pdf",
    "hand_out_identification",
    "has_own_submissions",
    "issue_conclusion",
    "issue_protocol",
    "no_progress",
    "protocol_docx",
    "protocol_pdf",
    "statistics_of",
]
