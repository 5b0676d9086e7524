from retour.cli import main

main()
