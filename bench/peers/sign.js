// The Node.js peer of `linkhook sign`: the reference Standard Webhooks library signs a body file
// and prints the same three headers. Usage: node sign.js SECRET BODY_FILE
"use strict";
const fs = require("node:fs");
const { Webhook } = require("standardwebhooks");

const [secret, file] = process.argv.slice(2);
const body = fs.readFileSync(file);
const id = "msg_1";
const timestamp = new Date(1760869800 * 1000);
const signature = new Webhook(secret).sign(id, timestamp, body);
process.stdout.write(
    `webhook-id: ${id}\nwebhook-timestamp: ${timestamp.getTime() / 1000}\nwebhook-signature: ${signature}\n`);
