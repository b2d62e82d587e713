"""Reading spec files: located YAML, ``extends``, validation; every mistake a located problem."""
