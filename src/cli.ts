// The executable's entry point (bundled into dist/cli.cjs): everything is in cli/.
import { main } from './cli/main.js';

void main();
