
# --- The server, with every fix above in place --------------------------------------------------
sys.exit(main(sys.argv[1:]))
