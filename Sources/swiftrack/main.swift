print("swiftrack")
