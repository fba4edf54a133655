// Fetch mode (an application without a public URL) answers the same command scenarios as webhook mode.
import { commandScenarios } from './fetch-scenarios.js';

commandScenarios('webhook');
commandScenarios('fetch');
