"""What every import needs, whatever it reads: problems named by their place, the rule that a file with problems
writes nothing, the caps that keep a hostile file from taking a worker, and the readers of tables, archives and
JSON documents.

An import checks every row first (its plan), collecting every problem into `Problems`; it raises `ImportRejected`
when there is any, and only then writes (its apply), in batches. The actors' map import is built this way.
"""
