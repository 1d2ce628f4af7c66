"""Where the Bobs' utilities come from: language-model prompts, trained models, synthetic families."""
