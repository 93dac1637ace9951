// SluiceEngine
