// SluiceGateway
