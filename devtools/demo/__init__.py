"""The demo shop (`load_demo_data`): core data from fixtures/demo/, then each domain's demo loader."""
