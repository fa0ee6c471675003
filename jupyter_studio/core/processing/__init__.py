"""Processing at scale (issue 18): SageMaker-shaped processors run as ordinary jobs.

``schemas`` holds the specs (:class:`ProcessingInput`, :class:`ProcessingOutput`, the processor
parameters), ``job`` the ``processor`` job kind, ``container_paths`` the mapping of
``/opt/ml/processing`` to the job folder, ``transfer`` the copies in and out (your files or
``s3://``) and ``service`` the ``studio.processing`` service.
"""

from .schemas import CreateProcessingJob, ProcessingInput, ProcessingOutput, ProcessorParameters

__all__ = ["CreateProcessingJob", "ProcessingInput", "ProcessingOutput", "ProcessorParameters"]
