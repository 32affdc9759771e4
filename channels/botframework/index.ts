// Bot Framework channel (Teams, Web Chat/Direct Line, …) through botbuilder's CloudAdapter.
export { createBotFrameworkChannel, type BotFrameworkChannel, type BotFrameworkChannelDeps } from './channel';
export { publishToBotConversation, BOTFRAMEWORK_TOPIC_PREFIX } from './proactive';
export { activityToIncoming, repliesToActivities, replyToActivity, addressOf } from './convert';
export { createBotLogic } from './bot';
export type { BotFrameworkCredentials } from './adapter';
