"""The station: villages, speakers, playout, village streams, evidence, storage and the `radio` CLI."""
