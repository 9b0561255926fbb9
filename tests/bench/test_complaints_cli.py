"""``bench/complaints.py`` on files written in other ways than the shared ones: labels spelled
as words, a byte-order mark, upper-case column names, and files it cannot measure (an unknown
label, a missing column), which must stop with a message naming the file and the line instead
of counting an unknown label as "not a complaint".

Run as a subprocess, as a person runs it: the bench sets up its own import path. The posts are
invented for these tests."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "complaints.py"


def _run(path):
    return subprocess.run([sys.executable, str(BENCH), "--no-active", str(path)],
                          capture_output=True, text=True, timeout=300, check=False)


def test_words_as_labels_bom_and_upper_case_columns(tmp_path):
    csv_file = tmp_path / "words.csv"
    csv_file.write_text(
        "\ufeffText,Label,Lang\n"
        '"@quillbay my order is eleven days late and nobody answers",complaint,en\n'
        '"@quillbay thank you, the new kettle works perfectly",not_complaint,en\n'
        '"@quillbay seit zwei Wochen kein Paket und keine Antwort",Yes,\n'
        '"@quillbay danke, alles bestens angekommen",FALSE,\n',
        encoding="utf-8")
    done = _run(csv_file)
    assert done.returncode == 0, done.stderr
    assert "4 posts, 2 complaints" in done.stdout
    assert "de " in done.stdout and "en " in done.stdout


def test_unknown_label_stops_with_the_line(tmp_path):
    csv_file = tmp_path / "maybe.csv"
    csv_file.write_text("text,label\n@quillbay late again,1\n@quillbay hm,maybe\n",
                        encoding="utf-8")
    done = _run(csv_file)
    assert done.returncode == 2
    assert "line 3" in done.stderr and "'maybe'" in done.stderr
    assert "==" not in done.stdout  # no figure printed from a file it could not read


def test_missing_column_names_the_columns_found(tmp_path):
    csv_file = tmp_path / "columns.csv"
    csv_file.write_text("body,y\n@quillbay late again,1\n", encoding="utf-8")
    done = _run(csv_file)
    assert done.returncode == 2
    assert "no text or label column" in done.stderr and "body, y" in done.stderr
