"""Files of evidence: which kinds may be uploaded, how their content is checked, and how
one is sent back."""

import filetype
from django.http import FileResponse

from .models import EvidenceFile

ALLOWED_UPLOADS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def content_matches(upload, content_type: str) -> bool:
    """Is the file what its name says? Its first bytes are read (``filetype``): a PDF must
    start like a PDF, and so on; a text file must be UTF-8 text that is no known binary
    type. A renamed program is refused whatever it is called."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    found = filetype.guess(head)
    if content_type == "text/plain":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:  # a multi-byte character cut at 8 KB is fine
            if error.start < len(head) - 3:
                return False
        return found is None and b"\x00" not in head
    return found is not None and found.mime == content_type


def evidence_download(item: EvidenceFile) -> FileResponse:
    """Always as an attachment, with the content type we chose on upload."""
    return FileResponse(item.file.open("rb"), as_attachment=True,
                        filename=item.file.name.rsplit("/", 1)[-1],
                        content_type=item.content_type)
