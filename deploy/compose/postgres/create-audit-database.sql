CREATE DATABASE swiftrack_audit OWNER swiftrack;
