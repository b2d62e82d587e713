"""Importers: a spec's text from a model file (Caffe prototxt, ONNX) or a PyTorch module.

``source`` is the entry point (:func:`~generator.load.importers.source.import_spec`); the grammar
of Caffe's text format is in ``prototxt``; one module per source format (``caffe``,
``onnx_model``, ``pytorch_model``), with their parts: Caffe's field readers (``caffe_fields``),
its two older formats read as the current one (``caffe_legacy``), its data and training layers
(``caffe_data``), the ONNX walk's view of a graph (``onnx_graph``) and one handler per operator
(``onnx_operators``); what they make and how it is written as a spec (``draft``); layer names
(``names``); their error type (``errors``).
"""
