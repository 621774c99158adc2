import { app } from '@azure/functions';
import { AppSetting } from './app-settings';
app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ status: 200, jsonBody: { q: process.env[AppSetting.queueName] } }) });
