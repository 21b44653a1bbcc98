#!/usr/bin/python3
"""Replaces one benchmark's section of a markdown file with stdin, leaving the other
benchmarks' sections alone: each script under bench/ owns the text between
<!-- bench:NAME --> and <!-- /bench:NAME -->. usage: write_section.py FILE NAME"""
import pathlib
import sys

path, name = pathlib.Path(sys.argv[1]), sys.argv[2]
begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
body = f"{begin}\n{sys.stdin.read().strip()}\n{end}\n"
text = path.read_text() if path.exists() else "# Performance\n\nEach section is written by the benchmark script it names.\n\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + body + rest.split(end, 1)[1].lstrip("\n")
else:
    text = text.rstrip("\n") + "\n\n" + body
path.write_text(text)
