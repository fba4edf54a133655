// One-portal mode (an inbound webhook and a bot token, no application) answers the same command scenarios.
import { commandScenarios } from './fetch-scenarios.js';

commandScenarios('oneportal');
commandScenarios('oneportal-webhook');
