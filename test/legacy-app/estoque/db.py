from flask import current_app
from pymongo import MongoClient


def init_app(app):
    app.extensions["mongo_client"] = MongoClient(app.config["MONGODB_URI"])


def get_db():
    client = current_app.extensions["mongo_client"]
    return client[current_app.config["MONGODB_DB"]]
