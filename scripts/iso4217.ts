import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LIST_ONE, parseListOne, renderIso4217Module, TABLE_MODULE } from './iso4217/list-one';

/**
 * `npm run iso4217 [-- <list-one.xml>]`: regenerates functions/orders/iso-4217.ts from an ISO 4217
 * List One XML file (default: the copy the `currency-codes` dev dependency ships). To take a newer
 * list, download list-one.xml from the ISO 4217 maintenance agency (SIX) and pass its path.
 */
const root = path.resolve(__dirname, '..');
const source = process.argv[2] ?? path.join(root, DEFAULT_LIST_ONE);
const list = parseListOne(fs.readFileSync(source, 'utf8'));
fs.writeFileSync(path.join(root, TABLE_MODULE), renderIso4217Module(list));
console.log(`${TABLE_MODULE}: ${list.entries.length} codes from the ISO 4217 list published ${list.published} (${source})`);
