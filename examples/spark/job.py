"""newsgraph map under Spark: every partition of a JSON Lines corpus is piped through
`newsgraph map`, and the partial records are saved as text files for `newsgraph merge`.

    spark-submit job.py CORPUS_JSONL NEWSGRAPH_BINARY COMPILED_GAZETTEER OUT_DIR [PARTITIONS]

Each record gets a "path" of CORPUS_JSONL:LINE first (unless it has one), so the graph names
the same place for it as `newsgraph build CORPUS_JSONL` does, whatever partition it lands in.
The partitions are shuffled on purpose: merge does not care in which order parts come."""
import json
import os
import sys

from pyspark.sql import SparkSession

corpus, binary, gazetteer, out = sys.argv[1:5]
partitions = int(sys.argv[5]) if len(sys.argv) > 5 else 4

spark = SparkSession.builder.master(f"local[{min(partitions, os.cpu_count() or 1)}]").appName("newsgraph-map").getOrCreate()
sc = spark.sparkContext
sc.setLogLevel("ERROR")


def with_path(pair):
    line, index = pair
    if not line.strip():
        return None
    record = json.loads(line)
    record.setdefault("path", f"{corpus}:{index + 1}")
    return json.dumps(record, ensure_ascii=False)


records = sc.textFile(corpus).zipWithIndex().map(with_path).filter(lambda r: r is not None)
# Ship the binary and the compiled gazetteer with the job, as on a real cluster (in local mode
# they are simply found at their paths).
sc.addFile(binary)
sc.addFile(gazetteer)
command = [binary, "map", "--gazetteer", gazetteer, "--threads", "1"]
parts = records.repartition(partitions).pipe(" ".join(command), checkCode=True)
parts.saveAsTextFile(out)
count = spark.read.text(out).count()
print(f"job.py: {count} partial records in {out}")
spark.stop()
