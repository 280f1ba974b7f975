from estoque import create_app

app = create_app()
