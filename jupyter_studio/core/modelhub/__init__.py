"""Model hub (JumpStart): a catalogue of pretrained models that installed packages carry, a
license gate, deploy to endpoints, prompt templates, fine-tuning and evaluation jobs.

The service is ``studio.modelhub`` (:class:`.service.ModelHubService`); weights load only in model
servers and job processes (:mod:`.loading`, :mod:`.cache`, :mod:`.pyfunc`).
"""
