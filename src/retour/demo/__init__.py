"""The demo store: sample policies and past decisions, returns in every state, orders a shopper can
return. It sits downstream of every app it fills (it calls their services) and nothing imports it but the
``demo`` command."""
