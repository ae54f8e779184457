"""Private data out of the reviewed file: the people's confidential sections in a file of their own.

`loading.py` reads it (decrypting an age-encrypted file with the identity named in the
environment) and hands each section to its person; `moving.py` moves the sections out of
program.toml into it (`handbook private move`).
"""
